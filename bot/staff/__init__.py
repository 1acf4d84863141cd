"""Staff: the review service that the web page and the command line share
(review.py) and staff accounts, sessions and sign-in limits (auth.py).
May import bot.records and bot.config; nothing here imports bot.conversation."""
