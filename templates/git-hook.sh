#!/bin/sh
# audit-hooks {{hook}} hook, written by `audit-hooks install` (remove with `audit-hooks uninstall`).
# The {{hook}} hook that was here before is kept as {{hook}}.pre-audit-hooks and runs first;
# its status is this hook's status. The audit-hooks step itself always ends with status 0.
previous="$(dirname "$0")/{{hook}}.pre-audit-hooks"
status=0
if [ -x "$previous" ]; then
  "$previous" "$@"
  status=$?
fi
if [ "$status" -eq 0 ] || [ "{{hook}}" != "pre-commit" ]; then
  {{command}}
fi
exit $status
