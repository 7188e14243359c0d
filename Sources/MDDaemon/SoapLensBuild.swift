/// Build information shared by every output.
public enum SoapLensBuild {
    /// The soaplens version written into files and `--version`.
    public static let version = "0.1.0"
}
