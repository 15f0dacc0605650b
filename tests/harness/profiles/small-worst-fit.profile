# The shape of profiles/worst-fit.profile (fragments and one far span, finds
# only the far span satisfies), small enough for the O(n) reference.
description = worst-fit in miniature: 2,000 fragments and one far span
universe = 0 100_000
initial = fragments 2_000 8 16 10_000
mix = find:70 bestfit:10 reserve:10 release:10
starts = 0 31_990
lengths = 1 4
find_lengths = 64 256
ops = 1_000
