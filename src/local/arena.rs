//! The process's allocator: the first MiB comes from a static arena, one bump of a counter
//! per block, and the rest from the system's allocator.
//!
//! Why: a cache hit asks for about 15 KB in some hundred calls and then exits. musl's
//! allocator spent a third of a hit's instructions on them and spread them over the first
//! pages of half a dozen size classes (a page fault each, and `brk`, `mmap` and `munmap`
//! calls); here they are a few consecutive pages of `.bss`. A block given back is reused only
//! when it is the last one given (a vector that grows and a temporary dropped at once); the
//! rest waits for the exit, which a short-lived helper reaches in milliseconds. What is never
//! touched costs nothing (`.bss`), so the arena is sized for a miss too (TLS, the system's CA
//! file: some hundreds of KB): with 32 KiB, musl's allocator took over mid-miss holding none
//! of the long-lived blocks, and emptied and unmapped its groups 117 times (12% slower).
//!
//! ```
//! use docker_credential_ecr_login::local::arena::Arena;
//! use std::alloc::{GlobalAlloc, Layout};
//! static ARENA: Arena = Arena::new();
//! let layout = Layout::from_size_align(24, 8).unwrap();
//! // `unsafe`, as every direct call of an allocator is: `layout` is not zero-sized.
//! unsafe {
//!     let a = ARENA.alloc(layout);
//!     let b = ARENA.alloc(layout);
//!     assert_eq!(b as usize - a as usize, 24);
//!     ARENA.dealloc(b, layout); // the last block: the next one takes its place
//!     assert_eq!(ARENA.alloc(layout), b);
//! }
//! ```
#![allow(unsafe_code)]
// The crate's third `unsafe`, and why: a global allocator is an `unsafe` trait (its callers
// rely on what it promises), and handing out parts of a static buffer needs that buffer to be
// shared between threads. What each block promises is argued beside the code below.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The arena's size: a miss's allocations fit (see above).
const SIZE: usize = 1024 * 1024;

/// See the module's documentation.
// `used` first, on the page of the first blocks: a page of `.bss` costs a fault when first
// read and another when first written, and this way the first page pays for both.
#[repr(C)]
pub struct Arena {
    /// How much of `bytes` has been given out: blocks never overlap below it, and nothing at
    /// or above it is in anyone's hands.
    used: AtomicUsize,
    bytes: UnsafeCell<Bytes>,
}

#[repr(C, align(64))]
struct Bytes([u8; SIZE]);

// Sound: the bytes are reached only through `alloc`, `dealloc` and `realloc`, which hand each
// byte to one owner at a time by moving `used` with atomic compare-and-swap.
unsafe impl Sync for Arena {}

impl Arena {
    pub const fn new() -> Self {
        Arena {
            used: AtomicUsize::new(0),
            bytes: UnsafeCell::new(Bytes([0; SIZE])),
        }
    }

    fn base(&self) -> *mut u8 {
        self.bytes.get().cast()
    }

    /// The block's offset in the arena, if it is one of the arena's.
    fn offset_of(&self, p: *mut u8) -> Option<usize> {
        let offset = (p as usize).wrapping_sub(self.base() as usize);
        (offset < SIZE).then_some(offset)
    }

    /// Claims `size` bytes aligned to `align` past `used`, or None when they do not fit.
    fn bump(&self, size: usize, align: usize) -> Option<*mut u8> {
        let base = self.base() as usize;
        let mut used = self.used.load(Ordering::Relaxed);
        loop {
            let start = (base + used).checked_add(align - 1)? & !(align - 1);
            let end = (start - base).checked_add(size)?;
            if end > SIZE {
                return None;
            }
            // Acquire: what the block's last owner wrote before giving it back (its Release
            // in `move_end`) happens before what the new owner writes.
            match self
                .used
                .compare_exchange_weak(used, end, Ordering::Acquire, Ordering::Relaxed)
            {
                // In bounds (end <= SIZE), and derived from the buffer's own pointer.
                Ok(_) => return Some(self.base().wrapping_add(start - base)),
                Err(now) => used = now,
            }
        }
    }

    /// Moves the end of the last block from `from` to `to` (both offsets); false if the block
    /// ending at `from` is not the last one any more.
    fn move_end(&self, from: usize, to: usize) -> bool {
        to <= SIZE
            && self
                .used
                .compare_exchange(from, to, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
    }
}

impl Default for Arena {
    fn default() -> Self {
        Self::new()
    }
}

// Sound: every block `alloc` returns lies inside the arena, aligned as asked, and no byte of
// it belongs to another block until it is given back (`used` only moves back over the last
// block, by its owner's `dealloc` or `realloc`); blocks of the system's allocator go back to
// it, recognised by their address.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match self.bump(layout.size(), layout.align()) {
            Some(p) => p,
            // SAFETY: the caller's promise about `layout`, passed on.
            None => unsafe { System.alloc(layout) },
        }
    }

    // Not the default (alloc, then zeroes): the system's `calloc` knows fresh pages are zero
    // already, and a miss's large zeroed buffers would otherwise be written through.
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match self.bump(layout.size(), layout.align()) {
            Some(p) => {
                // SAFETY: the block is ours and `layout.size()` long; a block given back may
                // have left bytes behind.
                unsafe { p.write_bytes(0, layout.size()) };
                p
            }
            // SAFETY: the caller's promise about `layout`, passed on.
            None => unsafe { System.alloc_zeroed(layout) },
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        match self.offset_of(p) {
            Some(offset) => {
                self.move_end(offset + layout.size(), offset);
            }
            // SAFETY: not the arena's, so the system's, with the layout it was given with.
            None => unsafe { System.dealloc(p, layout) },
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Some(offset) = self.offset_of(p) else {
            // SAFETY: the system's block, with the caller's promises passed on.
            return unsafe { System.realloc(p, layout, new_size) };
        };
        if new_size <= layout.size() || self.move_end(offset + layout.size(), offset + new_size) {
            return p; // shrunk, or grown in place as the last block
        }
        // SAFETY: `new_size` with the old alignment is a valid layout (the caller's promise).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: `new_layout` is not zero-sized: it is larger than `layout`.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are ours and distinct, the old one `layout.size()` long.
            unsafe {
                std::ptr::copy_nonoverlapping(p, new, layout.size());
                self.dealloc(p, layout);
            }
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn blocks_are_aligned_apart_and_past_the_arena_come_from_the_system() {
        static ARENA: Arena = Arena::new(); // a MiB: too big for a test thread's stack
        let arena = &ARENA;
        unsafe {
            let a = arena.alloc(layout(3, 1));
            let b = arena.alloc(layout(8, 64));
            assert_eq!(b as usize % 64, 0);
            assert!(b as usize >= a as usize + 3);
            let big = arena.alloc(layout(SIZE, 8));
            assert!(
                arena.offset_of(big).is_none(),
                "too big for what is left: the system's"
            );
            big.write_bytes(7, SIZE);
            arena.dealloc(big, layout(SIZE, 8));
            arena.dealloc(b, layout(8, 64));
            arena.dealloc(a, layout(3, 1));
        }
    }

    #[test]
    fn the_last_block_grows_in_place_and_another_moves_with_its_bytes() {
        static ARENA: Arena = Arena::new(); // a MiB: too big for a test thread's stack
        let arena = &ARENA;
        unsafe {
            let a = arena.alloc(layout(4, 1));
            a.copy_from_nonoverlapping(b"abcd".as_ptr(), 4);
            assert_eq!(
                arena.realloc(a, layout(4, 1), 100),
                a,
                "the last block grows in place"
            );
            let b = arena.alloc(layout(1, 1));
            let moved = arena.realloc(a, layout(100, 1), 200);
            assert_ne!(moved, a);
            assert_eq!(std::slice::from_raw_parts(moved, 4), b"abcd");
            assert!(
                moved as usize > b as usize,
                "it went past the block after it"
            );
            let out = arena.realloc(moved, layout(200, 1), 2 * SIZE);
            assert!(
                arena.offset_of(out).is_none(),
                "too big: moved to the system's"
            );
            assert_eq!(std::slice::from_raw_parts(out, 4), b"abcd");
            arena.dealloc(out, layout(2 * SIZE, 1));
        }
    }

    #[test]
    fn zeroed_blocks_are_zero_even_where_a_block_was_given_back() {
        static ARENA: Arena = Arena::new(); // a MiB: too big for a test thread's stack
        let arena = &ARENA;
        unsafe {
            let a = arena.alloc(layout(64, 8));
            a.write_bytes(0xAB, 64);
            arena.dealloc(a, layout(64, 8));
            let z = arena.alloc_zeroed(layout(64, 8));
            assert_eq!(z, a, "the block given back is taken again");
            assert!(std::slice::from_raw_parts(z, 64).iter().all(|&b| b == 0));
            let big = arena.alloc_zeroed(layout(2 * SIZE, 8));
            assert!(arena.offset_of(big).is_none());
            assert!(
                std::slice::from_raw_parts(big, 2 * SIZE)
                    .iter()
                    .all(|&b| b == 0)
            );
            arena.dealloc(big, layout(2 * SIZE, 8));
        }
    }

    #[test]
    fn threads_never_get_the_same_bytes() {
        static ARENA: Arena = Arena::new();
        let threads: Vec<_> = (0..4u8)
            .map(|t| {
                std::thread::spawn(move || {
                    let mut mine = Vec::new();
                    for _ in 0..200 {
                        let p = unsafe { ARENA.alloc(layout(16, 8)) };
                        unsafe { p.write_bytes(t, 16) };
                        mine.push(p as usize);
                    }
                    mine.into_iter().all(|p| {
                        unsafe { std::slice::from_raw_parts(p as *const u8, 16) }
                            .iter()
                            .all(|&x| x == t)
                    })
                })
            })
            .collect();
        for t in threads {
            assert!(t.join().unwrap(), "a block was written by two threads");
        }
    }
}
