# The shape of profiles/large.profile (a prefill of random reserves
# fragmenting a full universe), small enough for the O(n) reference.
description = large in miniature: a 3,700-reserve prefill over [0, 1M)
universe = 0 1_000_000
initial = full
prefill_reserves = 3_700
mix = reserve:40 release:40 find:20
starts = 0 999_800
lengths = 10 100
ops = 1_000
