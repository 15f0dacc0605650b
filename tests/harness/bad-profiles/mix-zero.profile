# expect: mix-zero.profile:4: mix: needs at least one positive weight
universe = 0 100
lengths = 1 2
mix = find:0 release:0
