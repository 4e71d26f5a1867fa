import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import LabModel
@testable import LabServices
import TraceContext
import Synchronization
import Testing
import Zipkin

@Suite("Lab services")
struct ServiceTests {
    static let traceID = "463ac35c9f6413ad48485a3953bb6124"
    static let spanID = "a2fb4a1d1a96d312"
    static let requestID = "0f8fad5b-d9cb-469f-a165-70867728950e"

    static var b3Headers: HTTPFields {
        var fields = HTTPFields()
        fields[HTTPField.Name("x-request-id")!] = requestID
        fields[HTTPField.Name("x-b3-traceid")!] = traceID
        fields[HTTPField.Name("x-b3-spanid")!] = spanID
        fields[HTTPField.Name("x-b3-sampled")!] = "1"
        return fields
    }

    /// A proxy address nothing listens on: downstream calls fail fast.
    static let deadProxy = HostPort(host: "127.0.0.1", port: 1)

    static func configuration(_ service: ServiceName, version: String = "v1", proxy: HostPort = deadProxy, mode: PropagationMode = .forwardAll) -> ServiceConfiguration {
        ServiceConfiguration(service: service, version: version, listen: HostPort(host: "127.0.0.1", port: 0), proxy: proxy, propagation: mode, callTimeout: .seconds(5))
    }

    @Test("details answers the book's details as JSON")
    func details() async throws {
        let app = try buildServiceApplication(configuration: Self.configuration(.details))
        try await app.test(.router) { client in
            try await client.execute(uri: "/details/7", method: .get) { response in
                #expect(response.status == .ok)
                let details = try JSONDecoder().decode(ProductDetails.self, from: Data(buffer: response.body))
                #expect(details.id == 7)
                #expect(details.author == "William Shakespeare")
                #expect(String(buffer: response.body).contains("\"ISBN-10\""))
            }
            try await client.execute(uri: "/details/abc", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("'abc'"))
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("ratings answers both reviewers' stars")
    func ratings() async throws {
        let app = try buildServiceApplication(configuration: Self.configuration(.ratings))
        try await app.test(.router) { client in
            try await client.execute(uri: "/ratings/0", method: .get) { response in
                let ratings = try JSONDecoder().decode(RatingsPayload.self, from: Data(buffer: response.body))
                #expect(ratings.ratings == ["Reviewer1": 5, "Reviewer2": 4])
            }
        }
    }

    @Test("reviews v1 has no stars and calls nobody")
    func reviewsV1() async throws {
        let app = try buildServiceApplication(configuration: Self.configuration(.reviews, version: "v1"))
        try await app.test(.router) { client in
            try await client.execute(uri: "/reviews/0", method: .get) { response in
                #expect(response.status == .ok)
                let reviews = try JSONDecoder().decode(ReviewsPayload.self, from: Data(buffer: response.body))
                #expect(reviews.podname == "reviews-v1")
                #expect(reviews.reviews.count == 2)
                #expect(reviews.reviews.allSatisfy { $0.rating == nil })
            }
        }
    }

    @Test("reviews v2 degrades to 'Ratings service is currently unavailable' when ratings cannot be reached")
    func reviewsDegrade() async throws {
        // Nothing listens on the proxy port; the short call timeout bounds the connect retries.
        var configuration = Self.configuration(.reviews, version: "v2")
        configuration.callTimeout = .seconds(1)
        let app = try buildServiceApplication(configuration: configuration)
        try await app.test(.router) { client in
            try await client.execute(uri: "/reviews/0", method: .get) { response in
                #expect(response.status == .ok)
                let reviews = try JSONDecoder().decode(ReviewsPayload.self, from: Data(buffer: response.body))
                #expect(reviews.reviews.allSatisfy { $0.rating?.error == "Ratings service is currently unavailable" })
            }
        }
    }

    @Test("productpage still renders, with apologies, when details and reviews are down")
    func productpageDegrade() async throws {
        let sidecar = FakeSidecar(failing: ["details", "reviews"])
        try await withLiveServer(sidecar.application) { port in
            let app = try buildServiceApplication(configuration: Self.configuration(.productpage, proxy: HostPort(host: "127.0.0.1", port: port)))
            try await app.test(.router) { client in
                try await client.execute(uri: "/productpage", method: .get) { response in
                    #expect(response.status == .ok)
                    let page = String(buffer: response.body)
                    #expect(page.contains("The Comedy of Errors"))
                    #expect(page.contains(ProductPageRenderer.detailsUnavailable))
                    #expect(page.contains(ProductPageRenderer.reviewsUnavailable))
                }
                try await client.execute(uri: "/api/v1/products/0", method: .get) { response in
                    let view = try JSONDecoder().decode(ProductView.self, from: Data(buffer: response.body))
                    #expect(view.details == nil)
                    #expect(view.detailsError == "details unavailable: status 503")
                }
            }
        }
    }

    @Test("an unknown version or app spans without --zipkin are refused")
    func invalidConfiguration() {
        #expect(throws: LabServiceError(.unknownVersion(service: .ratings, version: "v2"))) {
            _ = try buildServiceApplication(configuration: Self.configuration(.ratings, version: "v2"))
        }
        var configuration = Self.configuration(.details)
        configuration.appSpans = true
        #expect(throws: LabServiceError(.appSpansWithoutEndpoint(service: .details, protocol: .zipkin))) {
            _ = try buildServiceApplication(configuration: configuration)
        }
        // OTLP needs its own endpoint: a Zipkin URL is not one.
        configuration.zipkinURL = "http://127.0.0.1:9411/api/v2/spans"
        configuration.appSpansProtocol = .otlp
        #expect(throws: LabServiceError(.appSpansWithoutEndpoint(service: .details, protocol: .otlp))) {
            _ = try buildServiceApplication(configuration: configuration)
        }
        #expect(LabServiceError(.appSpansWithoutEndpoint(service: .details, protocol: .otlp)).description.contains("--otlp URL"))
    }

    @Test("the admin API refuses a peer that is not loopback")
    func adminNeedsLoopback() async throws {
        // The router test framework has no peer address, which must not count as loopback.
        let app = try buildServiceApplication(configuration: Self.configuration(.ratings))
        try await app.test(.router) { client in
            try await client.execute(uri: "/admin/propagation", method: .post, body: ByteBuffer(string: #"{"mode":"drop-all"}"#)) { response in
                #expect(response.status == .forbidden)
            }
        }
    }

    @Test("the admin API changes the mode at run time from loopback and names a bad mode")
    func adminChangesMode() async throws {
        let app = try buildServiceApplication(configuration: Self.configuration(.ratings))
        try await app.test(.live) { client in
            try await client.execute(uri: "/admin/propagation", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"mode":"forward-all"}"#)
            }
            try await client.execute(uri: "/admin/propagation", method: .post, body: ByteBuffer(string: #"{"mode":"drop-b3"}"#)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"mode":"drop-b3"}"#)
            }
            try await client.execute(uri: "/admin/propagation", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"mode":"drop-b3"}"#)
            }
            try await client.execute(uri: "/admin/propagation", method: .post, body: ByteBuffer(string: #"{"mode":"sometimes"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("sometimes"))
            }
            try await client.execute(uri: "/admin/propagation", method: .post, body: ByteBuffer(string: "not json")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test("productpage calls details then reviews through its sidecar with Host set and the trace headers forwarded")
    func productpageForwards() async throws {
        let sidecar = FakeSidecar()
        try await withLiveServer(sidecar.application) { port in
            let app = try buildServiceApplication(configuration: Self.configuration(.productpage, proxy: HostPort(host: "127.0.0.1", port: port)))
            try await app.test(.router) { client in
                try await client.execute(uri: "/productpage", method: .get, headers: Self.b3Headers) { response in
                    let page = String(buffer: response.body)
                    #expect(page.contains("stars-red"))
                    #expect(page.contains("Fun &lt;b&gt;play&lt;/b&gt;"))
                    #expect(page.contains("reviews-v3"))
                    #expect(page.contains(Self.requestID))
                }
            }
        }
        let requests = sidecar.requests
        #expect(requests.map(\.host) == ["details", "reviews"])
        #expect(requests.map(\.path) == ["/details/0", "/reviews/0"])
        for request in requests {
            #expect(request.headers["x-b3-traceid"] == Self.traceID)
            #expect(request.headers["x-b3-spanid"] == Self.spanID)
            #expect(request.headers["x-request-id"] == Self.requestID)
        }
    }

    @Test("reviews v2 with drop-b3 calls ratings without any B3 header but keeps x-request-id")
    func dropB3() async throws {
        let sidecar = FakeSidecar()
        try await withLiveServer(sidecar.application) { port in
            let app = try buildServiceApplication(configuration: Self.configuration(.reviews, version: "v2", proxy: HostPort(host: "127.0.0.1", port: port), mode: .dropB3))
            try await app.test(.router) { client in
                try await client.execute(uri: "/reviews/0", method: .get, headers: Self.b3Headers) { response in
                    let reviews = try JSONDecoder().decode(ReviewsPayload.self, from: Data(buffer: response.body))
                    #expect(reviews.reviews.first?.rating == Rating(stars: 5, color: "black"))
                }
            }
        }
        let request = try #require(sidecar.requests.first)
        #expect(request.host == "ratings")
        #expect(TraceHeaders.allB3.allSatisfy { request.headers[$0] == nil })
        #expect(request.headers["x-request-id"] == Self.requestID)
    }

    @Test("the chain appends its own line to what downstream returned, and says so when downstream fails")
    func chain() async throws {
        let healthy = FakeSidecar()
        try await withLiveServer(healthy.application) { port in
            let app = try buildServiceApplication(configuration: Self.configuration(.serviceA, proxy: HostPort(host: "127.0.0.1", port: port)))
            try await app.test(.router) { client in
                try await client.execute(uri: "/", method: .get, headers: Self.b3Headers) { response in
                    let lines = String(buffer: response.body).split(separator: "\n").map(String.init)
                    try #require(lines.count == 3)
                    #expect(lines[0] == "service-c-v1: hello")
                    #expect(lines[2].hasPrefix("service-a-v1: hello"))
                    #expect(lines[2].contains(Self.traceID))
                }
            }
        }
        #expect(healthy.requests.map(\.host) == ["service-b"])
        let failing = FakeSidecar(failing: ["service-c"])
        try await withLiveServer(failing.application) { port in
            let app = try buildServiceApplication(configuration: Self.configuration(.serviceB, proxy: HostPort(host: "127.0.0.1", port: port)))
            try await app.test(.router) { client in
                try await client.execute(uri: "/", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = String(buffer: response.body)
                    #expect(body.contains("service-c unavailable: status 503"))
                    #expect(body.contains("service-b-v1: hello"))
                }
            }
        }
    }

    @Test("with app spans, the handler span is a child of the sidecar's span and the call span's context is forwarded")
    func appSpans() async throws {
        let sidecar = FakeSidecar()
        let reporter = CollectingReporter()
        try await withLiveServer(sidecar.application) { port in
            var configuration = Self.configuration(.reviews, version: "v2", proxy: HostPort(host: "127.0.0.1", port: port))
            configuration.appSpans = true
            configuration.zipkinURL = "http://127.0.0.1:1/api/v2/spans"
            let app = try buildServiceApplication(configuration: configuration, reporter: reporter)
            try await app.test(.router) { client in
                try await client.execute(uri: "/reviews/0", method: .get, headers: Self.b3Headers) { response in
                    #expect(response.status == .ok)
                }
            }
        }
        let spans = reporter.reported
        #expect(spans.count == 2)
        let handler = try #require(spans.first { $0.name == "get /reviews/{id}" })
        let call = try #require(spans.first { $0.name == "call ratings" })
        #expect(handler.traceID.hex128 == Self.traceID)
        #expect(handler.parentID?.hex == Self.spanID)
        #expect(call.parentID == handler.id)
        #expect(handler.kind == nil && call.kind == nil)
        #expect(handler.localServiceName == "reviews")
        #expect(handler.tags["node_id"] == "reviews-v2")
        #expect(handler.tags["guid:x-request-id"] == Self.requestID)
        #expect(call.tags["http.status_code"] == "200")
        let forwarded = try #require(sidecar.requests.first)
        #expect(forwarded.headers["x-b3-spanid"] == call.id.hex)
        #expect(forwarded.headers["x-b3-parentspanid"] == handler.id.hex)
        #expect(forwarded.headers["x-b3-traceid"] == Self.traceID)
    }

    @Test("app spans are switched on and off at run time; without a collector switching on is refused with the remedy")
    func appSpansAtRunTime() async throws {
        let reporter = CollectingReporter()
        var configuration = Self.configuration(.ratings)
        configuration.zipkinURL = "http://127.0.0.1:1/api/v2/spans"
        let app = try buildServiceApplication(configuration: configuration, reporter: reporter)
        try await app.test(.live) { client in
            try await client.execute(uri: "/admin/app-spans", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"enabled":false}"#)
            }
            try await client.execute(uri: "/ratings/0", method: .get, headers: Self.b3Headers) { response in
                #expect(response.status == .ok)
            }
            #expect(reporter.reported.isEmpty, "off: no app span")
            try await client.execute(uri: "/admin/app-spans", method: .post, body: ByteBuffer(string: #"{"enabled":true}"#)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"enabled":true}"#)
            }
            try await client.execute(uri: "/ratings/0", method: .get, headers: Self.b3Headers) { response in
                #expect(response.status == .ok)
            }
            #expect(reporter.reported.count == 1, "on: the handler's app span")
            try await client.execute(uri: "/admin/app-spans", method: .post, body: ByteBuffer(string: #"{"enabled":"yes"}"#)) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/admin/app-spans", method: .post, body: ByteBuffer(string: #"{"enabled":false}"#)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/ratings/0", method: .get, headers: Self.b3Headers) { response in
                #expect(response.status == .ok)
            }
            #expect(reporter.reported.count == 1, "off again")
        }
        let withoutCollector = try buildServiceApplication(configuration: Self.configuration(.ratings))
        try await withoutCollector.test(.live) { client in
            try await client.execute(uri: "/admin/app-spans", method: .post, body: ByteBuffer(string: #"{"enabled":true}"#)) { response in
                #expect(response.status == .conflict)
                #expect(String(buffer: response.body).contains("--zipkin"))
            }
        }
    }

    @Test("the clock admin API shifts the app spans' timestamps and names a bad offset")
    func clockOffset() async throws {
        let reporter = CollectingReporter()
        var configuration = Self.configuration(.ratings)
        configuration.appSpans = true
        configuration.zipkinURL = "http://127.0.0.1:1/api/v2/spans"
        configuration.clockOffsetMicroseconds = 1_000_000
        let app = try buildServiceApplication(configuration: configuration, reporter: reporter)
        let answered = Mutex<UInt64>(0)
        try await app.test(.live) { client in
            try await client.execute(uri: "/admin/clock", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"offset":"1000000us","offsetMicroseconds":1000000}"#)
            }
            try await client.execute(uri: "/admin/clock", method: .post, body: ByteBuffer(string: #"{"offset":"-2s"}"#)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""offsetMicroseconds":-2000000"#))
            }
            try await client.execute(uri: "/ratings/0", method: .get, headers: Self.b3Headers) { response in
                #expect(response.status == .ok)
                answered.withLock { $0 = UInt64(Date().timeIntervalSince1970 * 1_000_000) }
            }
            try await client.execute(uri: "/admin/clock", method: .post, body: ByteBuffer(string: #"{"offset":"soon"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("'soon'"))
            }
        }
        let span = try #require(reporter.reported.first)
        let timestamp = try #require(span.timestamp)
        let after = answered.withLock { $0 }
        #expect(timestamp + 1_500_000 < after, "stamped about 2 s before it was answered: \(timestamp) vs \(after)")
    }
}
