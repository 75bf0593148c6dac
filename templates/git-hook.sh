#!/bin/sh
# audit-hooks {{hook}} hook, written by `audit-hooks install` (remove with `audit-hooks uninstall`).
# The {{hook}} hook that was here before is kept as {{hook}}.pre-audit-hooks and runs first.
previous="$(dirname "$0")/{{hook}}.pre-audit-hooks"
status=0
if [ -x "$previous" ]; then
  "$previous" "$@"
  status=$?
fi
{{command}}
exit $status
