"""In-platform messages (站内消息) to users, with a copy by e-mail where an address is known."""
