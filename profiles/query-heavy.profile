# Mostly finds: what a lookup-dominated user (an address or slot search)
# pays per query once the free set is fragmented.
description = mostly queries: 20% reserve, 20% release, 60% find of 10..100 points in [0, 1M)
universe = 0 1_000_000
initial = full
mix = reserve:20 release:20 find:60
starts = 0 999_800
lengths = 10 100
ops = 10_000
