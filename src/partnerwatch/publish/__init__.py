"""Publishing: factsheets assembled from figures, rendered per format."""
