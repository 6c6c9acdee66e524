"""Intake settings read from the environment (see .env.example in docs/intake.md)."""

from __future__ import annotations

from sauti import env

# More than FLOOD_LIMIT messages from one number within FLOOD_WINDOW seconds are stored and flagged
# RATE_LIMITED: attached to the sender's latest alert instead of opening new ones, and not answered.
FLOOD_LIMIT = env.integer("SAUTI_INTAKE_FLOOD_LIMIT", 10, minimum=1)
FLOOD_WINDOW = env.integer("SAUTI_INTAKE_FLOOD_WINDOW_SECONDS", 600, minimum=1)
# Webhook bodies above this size are refused with 413 before they are read (an SMS is tiny).
HOOK_MAX_BODY = env.integer("SAUTI_INTAKE_MAX_BODY_BYTES", 64 * 1024, minimum=1024)
# Longest message text kept for parsing (the raw body is stored whole).
MAX_TEXT = 4000
# Minutes within which a missed call must be returned (domain.md §4.1: 5 minutes).
CALLBACK_MINUTES = env.integer("SAUTI_CALLBACK_MINUTES", 5, minimum=1)
# Minutes before a callback that found no answer or the phone off is due again (a reporter who
# just beeped may be out of coverage or unable to talk for a moment).
CALLBACK_RETRY_MINUTES = env.integer("SAUTI_CALLBACK_RETRY_MINUTES", 15, minimum=1)
# Failed callbacks (no answer, number off) after which the alert goes UNREACHABLE and the task
# closes (domain.md §4.1: "3 over 30 min", with the 15-minute retry above).
CALLBACK_MAX_ATTEMPTS = env.integer("SAUTI_CALLBACK_MAX_ATTEMPTS", 3, minimum=1)
# The retry window (domain.md §4.1, "UNREACHABLE keeps its retry schedule"): hours after an alert
# went UNREACHABLE because nobody answered, it comes back to CALLBACK_PENDING with a new callback
# task, at most CALLBACK_RETRY_ROUNDS times (0: never; a wrong number is never retried).
CALLBACK_RETRY_AFTER_HOURS = env.integer("SAUTI_CALLBACK_RETRY_AFTER_HOURS", 4, minimum=1)
CALLBACK_RETRY_ROUNDS = env.integer("SAUTI_CALLBACK_RETRY_ROUNDS", 2, minimum=0)
# Public base URL printed by `sauti channels add` (the gateway must reach it).
PUBLIC_URL = env.string("SAUTI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Answer the gateway as soon as the raw message is committed and let `sauti worker` make the alert
# in batches (false, the default: the gateway waits ~the time of one INSERT and intake spreads over
# worker processes), or process it before answering (true: one alert at a time, about a quarter of
# the throughput; for a deployment that cannot run a worker). See docs/intake.md.
INLINE = env.boolean("SAUTI_INTAKE_INLINE", False)
# How long a worker holds the messages it claimed: after a worker dies, its batch is taken up
# again by another once this has passed.
LEASE_SECONDS = env.integer("SAUTI_INTAKE_LEASE_SECONDS", 60, minimum=1)
