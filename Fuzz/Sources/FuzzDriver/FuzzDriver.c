// SwiftPM links each executable with `--defsym main=<Module>_main`, a symbol a module built
// with `-parse-as-library` (which libFuzzer needs) never emits. These definitions hand
// control to libFuzzer's driver with the target's LLVMFuzzerTestOneInput.
#include <stddef.h>
#include <stdint.h>

extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
extern int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }

int FuzzTraceHeaders_main(int argc, char **argv) { return run(argc, argv); }
int FuzzZipkinJSON_main(int argc, char **argv) { return run(argc, argv); }
int FuzzScenarioYAML_main(int argc, char **argv) { return run(argc, argv); }
int FuzzRequestHead_main(int argc, char **argv) { return run(argc, argv); }
int FuzzZipkinProto3_main(int argc, char **argv) { return run(argc, argv); }
int FuzzZipkinV1JSON_main(int argc, char **argv) { return run(argc, argv); }
int FuzzOTLPProtobuf_main(int argc, char **argv) { return run(argc, argv); }
int FuzzOTLPJSON_main(int argc, char **argv) { return run(argc, argv); }
int FuzzResponseReader_main(int argc, char **argv) { return run(argc, argv); }
