#include "ConcurrencyEnqueueHook.h"

#include <stdatomic.h>
#include <stddef.h>

// Defined by the Swift concurrency runtime (swift/Runtime/Concurrency.h), as a pointer to a
// swiftcall function; only its storage is touched here.
extern const void *_Atomic swift_task_enqueueGlobal_hook;

bool tracelab_install_concurrency_enqueue_hook(const void *hook) {
    const void *expected = NULL;
    return atomic_compare_exchange_strong(&swift_task_enqueueGlobal_hook, &expected, hook);
}
