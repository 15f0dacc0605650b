# expect: too-large.profile:2: universe: 9223372036854775807 is outside
universe = 0 9223372036854775807
lengths = 1 2
mix = find:1
