# The table of release targets (scripts/targets.tsv), for the scripts that source this file
# from the repository's top folder:
#
#   . scripts/targets.sh
#   targets                       # every target, in the table's order
#   target_field linux-arm64 triple   # triple, route, runner, tier, budget, check or cpu
#   qemu_of linux-armv6           # how qemu-user runs it: qemu-arm-static -cpu arm1176
#   targets_where runner native   # the targets whose field has that value
TARGETS_TABLE=${TARGETS_TABLE:-scripts/targets.tsv}
targets() { awk '!/^#/ && NF { print $1 }' "$TARGETS_TABLE"; }
target_column() {
    case "$1" in
        triple) echo 2 ;; route) echo 3 ;; runner) echo 4 ;; tier) echo 5 ;; budget) echo 6 ;; check) echo 7 ;; cpu) echo 8 ;;
        *) echo "no column $1 in $TARGETS_TABLE" >&2; return 2 ;;
    esac
}
target_field() { # target, column name
    local_col=$(target_column "$2") || return 2
    local_val=$(awk -v t="$1" -v c="$local_col" '!/^#/ && $1 == t { print $c }' "$TARGETS_TABLE")
    [ -n "$local_val" ] || { echo "unknown target $1 (scripts/targets.tsv has: $(targets | tr '\n' ' '))" >&2; return 2; }
    echo "$local_val"
}
targets_where() { # column name, value
    local_col=$(target_column "$1") || return 2
    awk -v c="$local_col" -v v="$2" '!/^#/ && NF && $c == v { print $1 }' "$TARGETS_TABLE"
}
qemu_of() { # target: the qemu-user program for its CPU, and the CPU of its row
    local_triple=$(target_field "$1" triple) || return 2
    local_cpu=$(target_field "$1" cpu) || return 2
    case "${local_triple%%-*}" in
        arm*) local_prog=arm ;;
        powerpc64le) local_prog=ppc64le ;;
        riscv64*) local_prog=riscv64 ;;
        *) local_prog=${local_triple%%-*} ;;
    esac
    if [ "$local_cpu" = - ]; then echo "qemu-$local_prog-static"; else echo "qemu-$local_prog-static -cpu $local_cpu"; fi
}
