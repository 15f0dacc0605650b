# expect: lengths-order.profile: lengths needs LO <= HI
universe = 0 100
lengths = 9 2
mix = find:1
