# expect: domain-word.profile:3: domain takes on or off
universe = 0 100
domain = yes
lengths = 1 2
mix = find:1
