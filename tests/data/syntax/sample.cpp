#include <vector>
namespace app {
template <typename T> class Box final {
public:
    auto get() const noexcept -> T { return value_; }
private:
    T value_{}; /* stored */
};
}
std::string s = R"(raw "text")";
bool ok = nullptr == 0 && true;
