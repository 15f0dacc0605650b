# More reserves than releases: the free space fills up and fragments, so
# finds have to look further.
description = filling up: 50% reserve, 30% release, 20% find of 10..100 points in [0, 1M)
universe = 0 1_000_000
initial = full
mix = reserve:50 release:30 find:20
starts = 0 998_900
lengths = 10 100
ops = 10_000
