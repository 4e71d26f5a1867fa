@testable import LabServices
import Testing

@Suite("Product page")
struct ProductPageRendererTests {
    static func reviews(color: String?, error: String? = nil) -> ReviewsPayload {
        ReviewsPayload(id: "0", podname: "reviews-v2", reviews: [
            Review(reviewer: "Reviewer1", text: "Great", rating: color.map { Rating(stars: 5, color: $0) } ?? error.map { Rating(error: $0) }),
            Review(reviewer: "Reviewer2", text: "Good", rating: color.map { Rating(stars: 4, color: $0) } ?? error.map { Rating(error: $0) }),
        ])
    }

    @Test("stars are black for v2 and red for v3, filled to the rating", arguments: [("black", "stars-black"), ("red", "stars-red")])
    func starColours(color: String, cssClass: String) {
        var view = ProductView(product: BookCatalog.product)
        view.details = BookCatalog.details(id: 0)
        view.reviews = Self.reviews(color: color)
        let html = ProductPageRenderer.render(view, requestID: nil, traceID: nil)
        #expect(html.components(separatedBy: "class=\"\(cssClass)\"").count == 3)
        #expect(html.contains(String(repeating: "&#9733;", count: 5)))
        #expect(html.contains(String(repeating: "&#9733;", count: 4) + "&#9734;"))
        #expect(html.contains("ISBN-10:</dt><dd>1234567890"))
        #expect(!html.contains("class=\"unavailable\""))
    }

    @Test("reviews v1 shows no stars at all")
    func noStars() {
        var view = ProductView(product: BookCatalog.product)
        view.reviews = Self.reviews(color: nil)
        let html = ProductPageRenderer.render(view, requestID: nil, traceID: nil)
        #expect(!html.contains("&#9733;"))
        #expect(html.contains("Reviews served by: <b>reviews-v2</b>"))
    }

    @Test("a ratings failure shows the apology in place of the stars")
    func ratingsUnavailable() {
        var view = ProductView(product: BookCatalog.product)
        view.reviews = Self.reviews(color: nil, error: ProductPageRenderer.ratingsUnavailable)
        let html = ProductPageRenderer.render(view, requestID: "r", traceID: "t")
        #expect(html.contains("Ratings service is currently unavailable"))
        #expect(html.contains("x-request-id: r"))
    }

    @Test("text from backends is escaped")
    func escaping() {
        #expect(ProductPageRenderer.escape("<script>\"x\" & 'y'</script>") == "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;")
    }
}
