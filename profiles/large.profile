# A large, fragmented free set: the setup releases [0, 100M) and makes
# 370,000 random reserves (not measured), leaving about 300k live spans;
# then the standard 40/40/20 mix is measured on top of it.
description = about 300k live spans: 40/40/20 of 10..100 points in [0, 100M) after a 370k-reserve prefill
universe = 0 100_000_000
initial = full
prefill_reserves = 370_000
mix = reserve:40 release:40 find:20
starts = 0 99_999_800
lengths = 10 100
ops = 100_000
