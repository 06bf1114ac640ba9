# Threads, comments, flags and moderation arrive with the live-discussions issue.
