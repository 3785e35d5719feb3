/// The version of Kiln, written into every bundle it makes.
public enum KilnVersion {
    /// This Kiln's version.
    public static let current = "0.1.0"
}
