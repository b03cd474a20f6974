#!/bin/sh
# A plain shell script job: copy it into pending/ as is.
echo "Disk usage on $(hostname) at $(date -u +%Y-%m-%dT%H:%M:%SZ)"
df -h "$HOME" | tail -n 1
echo "Largest entries in the queue folder:"
du -sk "$MCPQ_QUEUE"/* 2>/dev/null | sort -rn | head -n 5
