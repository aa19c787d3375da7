"""The open comments: codebook, matching, sentiment, themes, scrubbing, quotes, discovery."""
