/// Renders bookinfo's product page from what productpage's backends answered. Pure, so the
/// page (and its degraded forms) is unit-tested without a server.
///
/// Like Istio's page: the book and its summary, a details table, the reviews, and for
/// reviews v2 black stars, for v3 red stars; a backend that failed leaves its apology text
/// ("Ratings service is currently unavailable") instead of breaking the page.
enum ProductPageRenderer {
    static let detailsUnavailable = "Sorry, product details are currently unavailable for this book."
    static let reviewsUnavailable = "Sorry, product reviews are currently unavailable for this book."
    static let ratingsUnavailable = "Ratings service is currently unavailable"
    static let maximumStars = 5

    static func render(_ view: ProductView, requestID: String?, traceID: String?) -> String {
        var html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Simple Bookstore App</title>
        <style>
        body { font-family: sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
        .bar { background: #222; color: #fff; padding: .6em 1em; }
        .columns { display: flex; gap: 2em; }
        .columns > section { flex: 1; }
        blockquote { border-left: 4px solid #ccc; margin: 1em 0; padding: .2em 1em; }
        .stars-black { color: #000; } .stars-red { color: #c00; }
        .unavailable { color: #a60; } .trace { color: #777; font-size: .8em; }
        </style>
        </head>
        <body>
        <div class="bar">BookInfo Sample (TraceLab)</div>
        <h1>\(escape(view.product.title))</h1>
        <p>\(view.product.descriptionHTML)</p>
        <div class="columns">

        """
        html += "<section id=\"details\">\n<h2>Book Details</h2>\n"
        if let details = view.details {
            html += """
            <dl>
            <dt>Type:</dt><dd>\(escape(details.type))</dd>
            <dt>Pages:</dt><dd>\(details.pages)</dd>
            <dt>Publisher:</dt><dd>\(escape(details.publisher))</dd>
            <dt>Language:</dt><dd>\(escape(details.language))</dd>
            <dt>ISBN-10:</dt><dd>\(escape(details.isbn10))</dd>
            <dt>ISBN-13:</dt><dd>\(escape(details.isbn13))</dd>
            </dl>

            """
        } else {
            html += "<p class=\"unavailable\">\(detailsUnavailable)</p>\n"
        }
        html += "</section>\n<section id=\"reviews\">\n<h2>Book Reviews</h2>\n"
        if let reviews = view.reviews {
            for review in reviews.reviews {
                html += "<blockquote>\n<p>\(escape(review.text))</p>\n<small>\(escape(review.reviewer))</small>\n"
                html += stars(review.rating)
                html += "</blockquote>\n"
            }
            html += "<p>Reviews served by: <b>\(escape(reviews.podname))</b></p>\n"
        } else {
            html += "<p class=\"unavailable\">\(reviewsUnavailable)</p>\n"
        }
        html += "</section>\n</div>\n"
        if requestID != nil || traceID != nil {
            html += "<p class=\"trace\">x-request-id: \(escape(requestID ?? "none")) · trace id: \(escape(traceID ?? "none"))</p>\n"
        }
        html += "</body>\n</html>\n"
        return html
    }

    /// Filled and empty stars in the rating's colour; the apology when ratings failed; nothing
    /// for reviews v1, which has no ratings.
    static func stars(_ rating: Rating?) -> String {
        guard let rating else { return "" }
        if let stars = rating.stars {
            let filled = min(max(stars, 0), maximumStars)
            let color = rating.color == "red" ? "red" : "black"
            let glyphs = String(repeating: "&#9733;", count: filled) + String(repeating: "&#9734;", count: maximumStars - filled)
            return "<p class=\"stars-\(color)\" title=\"\(filled) of \(maximumStars) stars\">\(glyphs)</p>\n"
        }
        return "<p class=\"unavailable\">\(escape(rating.error ?? ratingsUnavailable))</p>\n"
    }

    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
