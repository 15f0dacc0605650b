# expect: domain-starts.profile: with domain = on, starts plus lengths must stay inside the universe
universe = 0 100
domain = on
starts = 0 99
lengths = 1 2
mix = release:1
