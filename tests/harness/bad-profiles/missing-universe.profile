# expect: missing-universe.profile: missing 'universe = LO HI'
lengths = 1 2
mix = find:1
