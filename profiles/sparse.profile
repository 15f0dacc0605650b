# Long spans over a large universe: few, long free spans, so operations
# touch little structure and merges are frequent.
description = long spans: 40/40/20 of 1,000..10,000 points in [0, 10M)
universe = 0 10_000_000
initial = full
mix = reserve:40 release:40 find:20
starts = 0 9_890_000
lengths = 1_000 10_000
ops = 10_000
