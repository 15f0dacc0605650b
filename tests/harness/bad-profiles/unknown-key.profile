# expect: unknown-key.profile:4: unknown key 'colour'
universe = 0 100
lengths = 1 2
colour = blue
mix = find:1
