# expect: touching.profile: initial fragments needs LEN < STRIDE, or they touch
universe = 0 1000
initial = fragments 10 8 8 100
lengths = 1 2
mix = find:1
