//! No core files: a core of this process holds the AWS keys, session tokens and ECR tokens it
//! had in memory (an outside `SIGABRT` during a fetch wrote 3 MB with the secret key four
//! times). The Go helper writes none unless `GOTRACEBACK=crash` asks; we turn them off at
//! start, before any secret is read.

/// Sets the core size limit to 0 (soft and hard, so that nothing this process starts can
/// raise it again), and on Linux marks the process not dumpable, which also stops a core
/// handler (`core_pattern` with a pipe) and another process of the same user from reading
/// its memory through ptrace. Best effort: a failure leaves things as they were.
#[cfg(unix)]
#[allow(unsafe_code)]
pub fn turn_off() {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // Why `unsafe` is sound here: `setrlimit` reads the one `rlimit` we pass by reference,
    // which lives across the call, and `prctl(PR_SET_DUMPABLE, 0)` takes plain integers and
    // touches no memory of ours. Neither has a precondition left for us to uphold.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0);
    }
}

/// Windows writes no core file of a console program unless Windows Error Reporting is set
/// up to keep local dumps, which is the machine owner's choice.
#[cfg(not(unix))]
pub fn turn_off() {}
