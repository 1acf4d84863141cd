"""Records: what the conversation leaves behind for the study team."""
