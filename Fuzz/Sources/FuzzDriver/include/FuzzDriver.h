// Nothing to call from Swift: this target only provides the entry points SwiftPM's link step
// names (see FuzzDriver.c).
