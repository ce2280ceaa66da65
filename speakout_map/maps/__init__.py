"""The map: the Folium map, its browser files (JavaScript, CSS, vendor assets) and the filters."""
