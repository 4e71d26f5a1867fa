/// The bookinfo data, as Istio's sample serves it: one book, its details, two reviews and
/// their ratings. Codable shapes are the services' JSON bodies.
enum BookCatalog {
    static let product = Product(
        id: 0, title: "The Comedy of Errors",
        descriptionHTML: "<a href=\"https://en.wikipedia.org/wiki/The_Comedy_of_Errors\">Wikipedia Summary</a>: The Comedy of Errors is one of <b>William Shakespeare's</b> early plays. It is his shortest and one of his most farcical comedies, with a major part of the humour coming from slapstick and mistaken identity, in addition to puns and word play."
    )

    static func details(id: Int) -> ProductDetails {
        ProductDetails(
            id: id, author: "William Shakespeare", year: 1595, type: "paperback", pages: 200,
            publisher: "PublisherA", language: "English", isbn10: "1234567890", isbn13: "123-1234567890"
        )
    }

    static let reviewTexts: [(reviewer: String, text: String)] = [
        ("Reviewer1", "An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!"),
        ("Reviewer2", "Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare."),
    ]

    static func ratings(id: Int) -> RatingsPayload {
        RatingsPayload(id: id, ratings: ["Reviewer1": 5, "Reviewer2": 4])
    }
}

struct Product: Codable, Hashable, Sendable {
    var id: Int
    var title: String
    var descriptionHTML: String

    enum CodingKeys: String, CodingKey {
        case id, title
        case descriptionHTML = "descriptionHtml"
    }
}

struct ProductDetails: Codable, Hashable, Sendable {
    var id: Int
    var author: String
    var year: Int
    var type: String
    var pages: Int
    var publisher: String
    var language: String
    var isbn10: String
    var isbn13: String

    enum CodingKeys: String, CodingKey {
        case id, author, year, type, pages, publisher, language
        case isbn10 = "ISBN-10"
        case isbn13 = "ISBN-13"
    }
}

/// `GET /reviews/{id}`: which instance served and the reviews, rated by v2 and v3.
struct ReviewsPayload: Codable, Hashable, Sendable {
    var id: String
    /// The serving instance, e.g. `reviews-v2` (Istio's page prints the pod name).
    var podname: String
    var reviews: [Review]
}

struct Review: Codable, Hashable, Sendable {
    var reviewer: String
    var text: String
    var rating: Rating?
}

/// A review's stars, or why there are none.
struct Rating: Codable, Hashable, Sendable {
    var stars: Int?
    /// `black` (reviews v2) or `red` (v3).
    var color: String?
    var error: String?
}

struct RatingsPayload: Codable, Hashable, Sendable {
    var id: Int
    var ratings: [String: Int]
}

/// `GET /api/v1/products/{id}` of productpage: the book with what its backends answered.
struct ProductView: Codable, Hashable, Sendable {
    var product: Product
    var details: ProductDetails?
    var detailsError: String?
    var reviews: ReviewsPayload?
    var reviewsError: String?
}
