"""Organisers' materials (posters, leaflets): what a file really is, SVG safety, thumbnails, an upload checked."""
