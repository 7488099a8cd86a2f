//! Word lists that give seeded customers and products believable names.
//! Only plain ASCII letters and spaces, so no text needs quoting in JSON.

/// Given names of customers.
pub const FIRST: &[&str] = &[
    "Ada", "Alan", "Alice", "Amir", "Anna", "Ben", "Bea", "Carla", "Chen", "Chloe", "Dan", "Dara",
    "Eli", "Emma", "Erik", "Fatima", "Finn", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jade",
    "Jon", "Kai", "Kim", "Lea", "Leo", "Lina", "Luca", "Maya", "Milo", "Nina", "Noah", "Olga",
    "Omar", "Paul", "Priya", "Quinn", "Rosa", "Ruben", "Sara", "Sven", "Tara", "Theo", "Uma",
    "Vera", "Wes", "Yara", "Zoe",
];

/// Family names of customers.
pub const LAST: &[&str] = &[
    "Abbott", "Baker", "Berg", "Carter", "Costa", "Dahl", "Evans", "Fischer", "Garcia", "Hansen",
    "Hughes", "Ito", "Jensen", "Khan", "Kowalski", "Larsen", "Lopez", "Martin", "Meyer", "Moreau",
    "Murphy", "Nakamura", "Nguyen", "Novak", "Olsen", "Patel", "Quinn", "Rossi", "Santos",
    "Schmidt", "Silva", "Smith", "Sato", "Taylor", "Tanaka", "Varga", "Walker", "Weber", "Wilson",
    "Young",
];

/// Streets for shipping addresses.
pub const STREETS: &[&str] = &[
    "High Street",
    "Station Road",
    "Church Lane",
    "Mill Road",
    "Park Avenue",
    "Green Lane",
    "Victoria Road",
    "Kings Road",
    "Queen Street",
    "Bridge Street",
    "Market Place",
    "Orchard Way",
];

/// Towns for shipping addresses.
pub const TOWNS: &[&str] = &[
    "Ashford",
    "Bexley",
    "Carlton",
    "Dorking",
    "Eastleigh",
    "Frome",
    "Glossop",
    "Hexham",
    "Ilkley",
    "Kendal",
    "Ludlow",
    "Malton",
    "Newbury",
    "Oakham",
    "Penrith",
    "Ripon",
    "Settle",
    "Thirsk",
    "Whitby",
    "Yeovil",
];

/// Product kinds: (SKU prefix, noun).
pub const KINDS: &[(&str, &str)] = &[
    ("TEE", "T-shirt"),
    ("HOOD", "Hoodie"),
    ("MUG", "Mug"),
    ("CAP", "Cap"),
    ("BAG", "Tote Bag"),
    ("SOCK", "Socks"),
    ("NB", "Notebook"),
    ("PEN", "Pen Set"),
    ("BTL", "Water Bottle"),
    ("PST", "Poster"),
    ("SCF", "Scarf"),
    ("UMB", "Umbrella"),
];

/// Adjectives for product names.
pub const ADJECTIVES: &[&str] = &[
    "Classic", "Organic", "Vintage", "Striped", "Midnight", "Sunny", "Forest", "Ocean", "Retro",
    "Minimal", "Bold", "Pastel", "Alpine", "Urban", "Cosy", "Bright",
];

/// Why seeded orders were cancelled.
pub const CANCEL_REASONS: &[&str] = &[
    "customer changed their mind",
    "payment did not arrive",
    "duplicate order",
    "address outside the delivery area",
    "customer asked by phone",
];

/// Internal notes staff write on orders (plain text, no tabs or backslashes).
pub const ORDER_NOTES: &[&str] = &[
    "Customer called: leave the parcel at the back door.",
    "Gift: no prices on the packing slip, please.",
    "Asked for delivery after 5 pm on weekdays.",
    "Fragile: double-box the mugs.",
    "Customer will collect from the shop instead.",
    "Checked stock by phone before paying; promised dispatch this week.",
];

/// Internal notes staff write on customers.
pub const CUSTOMER_NOTES: &[&str] = &[
    "Prefers email to phone calls.",
    "Wholesale enquiry: send the trade price list.",
    "Returned a damaged item last year; handle with care.",
    "Regular customer: mention the loyalty discount next time.",
    "Hard of hearing: please write rather than call.",
    "Runs a cafe; orders in bulk before holidays.",
];
