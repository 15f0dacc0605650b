# expect: mix-kind.profile:4: mix: unknown kind 'search'
universe = 0 100
lengths = 1 2
mix = find:1 search:2
