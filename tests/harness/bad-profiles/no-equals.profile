# expect: no-equals.profile:3: expected 'key = value'
universe = 0 100
lengths 1 2
mix = find:1
