untrusted comment: verify with rogue-station.pub
RWS7yCCWLuM/okDh9p5EI9c3kJxSZ742ukONDHAV1Pwm7V9CIKNXK7+/mBO+b0bulNNXikstgR/1ZHjqxPl4CzLNtG7oy4Th/Qo=
