# Lookups alone on the state of the headline mix: a prefill of reserves cuts
# [0, 1M) into about 5k spans, then only first-fit finds are measured. What
# an implementation takes to locate a position, which every mutation pays
# too: a floor under the standard mix.
description = find only: first fit of 10..100 points in [0, 1M) over about 5k spans left by 9k reserves
universe = 0 1_000_000
initial = full
prefill_reserves = 9_000
mix = find:100
starts = 0 999_800
lengths = 10 100
ops = 10_000
