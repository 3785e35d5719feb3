public enum KilnTestSupport {}
