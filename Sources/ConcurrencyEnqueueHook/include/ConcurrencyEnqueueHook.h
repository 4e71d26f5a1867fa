#ifndef TRACELAB_CONCURRENCY_ENQUEUE_HOOK_H
#define TRACELAB_CONCURRENCY_ENQUEUE_HOOK_H

#include <stdbool.h>

/// Installs `hook` as the Swift runtime's `swift_task_enqueueGlobal_hook` if no hook is set,
/// and says whether it did. `hook` is a Swift `@convention(thin)` function taking the job and
/// the runtime's original enqueue function.
///
/// Written in C because the static Swift runtime keeps the hook variable out of the dynamic
/// symbol table, where `dlsym` (what NIO's installer uses) looks; a direct reference links.
bool tracelab_install_concurrency_enqueue_hook(const void *hook);

#endif
