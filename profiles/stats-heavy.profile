# Statistics read as often as the state changes, as a monitoring loop or an
# allocator reporting fragmentation would: about one stats call per mutation
# on a large, fragmented free set (the prefill of `large`, not measured).
# A manager that recomputes its summary in O(n) after each change shows here.
description = one stats call per mutation at about 300k live spans: 25% reserve, 25% release, 50% stats
universe = 0 100_000_000
initial = full
prefill_reserves = 370_000
mix = reserve:25 release:25 stats:50
starts = 0 99_999_800
lengths = 10 100
ops = 100_000
