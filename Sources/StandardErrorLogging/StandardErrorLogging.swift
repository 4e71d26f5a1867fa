import Logging

/// The one logging set-up of every `tracelab` role: swift-log to standard error at a level.
///
/// Each role bootstraps exactly once, before it builds anything that logs; the level differs
/// by role (servers log at `--log-level`, user-facing commands stay quiet unless asked).
public enum StandardErrorLogging {
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
