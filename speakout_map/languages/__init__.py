"""The app's languages: messages kept in their source language until shown, catalogues, choosing, localised data."""
