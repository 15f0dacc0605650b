# Lookups alone on the state of the large profile: a prefill of 370k
# reserves leaves about 300k spans in [0, 100M), then only first-fit finds
# are measured. What locating a position costs once the spans no longer fit
# in the caches: a floor under the large mix.
description = find only: first fit of 10..100 points in [0, 100M) over about 300k spans left by 370k reserves
universe = 0 100_000_000
initial = full
prefill_reserves = 370_000
mix = find:100
starts = 0 99_999_800
lengths = 10 100
ops = 100_000
