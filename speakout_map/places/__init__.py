"""Places: countries, the offline gazetteer, geocoders (offline and online) and placing events."""
