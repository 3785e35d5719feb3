@main struct Kiln { static func main() {} }
