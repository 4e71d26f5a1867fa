import Hummingbird
import LabModel
import TraceContext

extension ServiceRuntime {
    /// productpage: the HTML page and the JSON API, both built from details and reviews.
    func addProductpageRoutes(to router: Router<LabRequestContext>) {
        router.get("/") { _, _ in
            ServiceRuntime.text("<!DOCTYPE html><html><body><h1>Simple Bookstore App</h1><p><a href=\"/productpage\">Normal user</a></p></body></html>\n", contentType: "text/html; charset=utf-8")
        }
        router.get("/productpage") { request, _ in
            await handle(request, name: "get /productpage") { trace in
                let view = await productView(id: BookCatalog.product.id, trace: trace)
                let html = ProductPageRenderer.render(
                    view, requestID: trace.forwardable[TraceHeaders.requestID],
                    traceID: (trace.span?.spanContext ?? trace.incoming)?.traceID.hex
                )
                return ServiceRuntime.text(html, contentType: "text/html; charset=utf-8")
            }
        }
        router.get("/api/v1/products/{id}") { request, context in
            await handle(request, name: "get /api/v1/products/{id}") { trace in
                switch ServiceRuntime.productID(context) {
                case .failure(let error):
                    return ServiceRuntime.error(error.description, status: .badRequest)
                case .success(let id):
                    return ServiceRuntime.json(await productView(id: id, trace: trace))
                }
            }
        }
    }

    /// Calls details then reviews (in that order, like Istio's productpage) and keeps each
    /// failure as text instead of failing the page.
    func productView(id: Int, trace: AppTracer.HandlerTrace) async -> ProductView {
        var view = ProductView(product: BookCatalog.product)
        view.product.id = id
        let details = await caller.get(.details, path: "/details/\(id)", for: trace)
        if let body = details.successBody, let decoded = ServiceRuntime.decode(ProductDetails.self, from: body) {
            view.details = decoded
        } else {
            view.detailsError = "details unavailable: \(details.problem ?? "unreadable answer")"
        }
        let reviews = await caller.get(.reviews, path: "/reviews/\(id)", for: trace)
        if let body = reviews.successBody, let decoded = ServiceRuntime.decode(ReviewsPayload.self, from: body) {
            view.reviews = decoded
        } else {
            view.reviewsError = "reviews unavailable: \(reviews.problem ?? "unreadable answer")"
        }
        return view
    }

    func addDetailsRoutes(to router: Router<LabRequestContext>) {
        router.get("/details/{id}") { request, context in
            await handle(request, name: "get /details/{id}") { _ in
                switch ServiceRuntime.productID(context) {
                case .failure(let error): ServiceRuntime.error(error.description, status: .badRequest)
                case .success(let id): ServiceRuntime.json(BookCatalog.details(id: id))
                }
            }
        }
    }

    /// reviews v1 serves reviews without stars; v2 (black) and v3 (red) ask ratings and
    /// degrade to "Ratings service is currently unavailable" when it fails.
    func addReviewsRoutes(to router: Router<LabRequestContext>) {
        let instance = configuration.instance
        router.get("/reviews/{id}") { request, context in
            await handle(request, name: "get /reviews/{id}") { trace in
                let id: Int
                switch ServiceRuntime.productID(context) {
                case .failure(let error): return ServiceRuntime.error(error.description, status: .badRequest)
                case .success(let value): id = value
                }
                var ratings: RatingsPayload?
                var ratingsProblem: String?
                let color = instance.version == "v3" ? "red" : "black"
                let callsRatings = !LabTopology.calls(madeBy: instance).filter { $0.callee == .ratings }.isEmpty
                if callsRatings {
                    let result = await caller.get(.ratings, path: "/ratings/\(id)", for: trace)
                    if let body = result.successBody, let decoded = ServiceRuntime.decode(RatingsPayload.self, from: body) {
                        ratings = decoded
                    } else {
                        ratingsProblem = result.problem ?? "unreadable answer"
                    }
                }
                let reviews = BookCatalog.reviewTexts.map { reviewer, text in
                    var review = Review(reviewer: reviewer, text: text)
                    if callsRatings {
                        if let stars = ratings?.ratings[reviewer] {
                            review.rating = Rating(stars: stars, color: color)
                        } else {
                            review.rating = Rating(error: ProductPageRenderer.ratingsUnavailable)
                        }
                    }
                    return review
                }
                if let ratingsProblem {
                    logger.info("serving reviews without ratings", metadata: ["reason": "\(ratingsProblem)"])
                }
                return ServiceRuntime.json(ReviewsPayload(id: String(id), podname: instance.nodeID, reviews: reviews))
            }
        }
    }

    func addRatingsRoutes(to router: Router<LabRequestContext>) {
        router.get("/ratings/{id}") { request, context in
            await handle(request, name: "get /ratings/{id}") { _ in
                switch ServiceRuntime.productID(context) {
                case .failure(let error): ServiceRuntime.error(error.description, status: .badRequest)
                case .success(let id): ServiceRuntime.json(BookCatalog.ratings(id: id))
                }
            }
        }
    }
}
