# shellcheck shell=sh
# Sourced by toolchains/fetch-sources.sh and fetch-export-deps.sh: the Debian
# mirror the system's apt already uses, so the private apt configurations of
# those scripts reach the same host (and nothing else).
#
# system_mirror prints the first deb URI whose suites are not a -security
# suite, from deb822 sources first, one-line sources second.
system_mirror() {
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && uris != "" && suites != "" && suites !~ /-security/ && uris ~ /\/debian\/?$/) {
                    split(uris, u, " "); print u[1]; found = 1; exit
                }
                types = ""; uris = ""; suites = ""
            }
            /^[ \t]*$/ { flush(); next }
            /^#/ { next }
            /^Types:/  { sub(/^Types:[ \t]*/, "");  types = $0 }
            /^URIs:/   { sub(/^URIs:[ \t]*/, "");   uris = $0 }
            /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
            END { if (!found) flush() }
        ' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                           if ($(i+1) !~ /-security/ && $i ~ /\/debian\/?$/) { print $i; exit } }' "$f"
    done
}
