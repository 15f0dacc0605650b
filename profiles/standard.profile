# The headline comparison: uniform reserves, releases and finds of short
# spans over one million points, the same shape as the published numbers of
# the older libraries in this field (run it with 10k or 50k ops, seed 42).
description = headline mix: 40% reserve, 40% release, 20% find of 10..100 points in [0, 1M)
universe = 0 1_000_000
initial = full
mix = reserve:40 release:40 find:20
starts = 0 999_800
lengths = 10 100
ops = 10_000
