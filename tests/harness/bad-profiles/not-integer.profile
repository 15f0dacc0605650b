# expect: not-integer.profile:2: universe: '1e6' is not an integer
universe = 0 1e6
lengths = 1 2
mix = find:1
